"""How the personal-data masking (assistant/redaction.py) scales with input length, on ordinary
text and on inputs built to make a backtracking regex slow. Linear time shows as a time per
character that stays flat while the length grows 16-fold.

    .venv/bin/python bench/bench_redaction.py
"""

from __future__ import annotations

import timeit

from assistant.redaction import mask_personal_data

INPUTS = {
    "ordinary question": "Hva gjør kommunen for barn og unge i 2024-2030? Ring 912 34 567. ",
    "word run, no @": "a",
    "dotted run, no domain": "a.",
    "a@ repeated": "a@",
    "digits": "1",
    "digit and space": "1 ",
    "+47 repeated": "+47 ",
}
LENGTHS = (1_000, 4_000, 16_000)


def main() -> None:
    print(
        f"{'input':<24}" + "".join(f"{n:>12,} ch" for n in LENGTHS) + "   (µs per 1000 characters)"
    )
    for name, unit in INPUTS.items():
        cells = []
        for length in LENGTHS:
            text = (unit * (length // len(unit) + 1))[:length]
            runs = 20
            seconds = min(
                timeit.repeat(lambda t=text: mask_personal_data(t), number=runs, repeat=3)
            )
            cells.append(seconds / runs / length * 1e9)  # µs per 1000 characters
        print(f"{name:<24}" + "".join(f"{c:>15.1f}" for c in cells))


if __name__ == "__main__":
    main()
