# Cadre: a slim image running as a non-root user, SQLite on a volume by default.
#   docker build -t cadre . && docker run -p 8000:8000 -v cadre-data:/data cadre
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY prompts ./prompts
COPY frames ./frames
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --create-home --home-dir /home/cadre cadre \
    && mkdir -p /data && chown cadre /data
COPY --from=build /install /usr/local
ENV CADRE_DATA_DIR=/data \
    CADRE_HOST=0.0.0.0 \
    CADRE_PORT=8000 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
USER 10001
WORKDIR /home/cadre
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
ENTRYPOINT ["cadre"]
CMD ["serve"]
