# govern serve: the read-only web view of a govern ledger, for running behind a reverse proxy.
#   docker build -t govern-serve .
#   docker run -p 8000:8000 -e GOVERN_SERVE_TOKEN_SHA256=... \
#     -e GOVERN_DATABASE_URL=postgresql+psycopg://reader@db/govern govern-serve
# It listens on 0.0.0.0 inside the container, so it refuses to start without credentials
# (docs/serve.md). TLS belongs to the proxy in front of it.
FROM python:3.11-slim

# WeasyPrint renders the PDF reports: Pango, HarfBuzz subsetting and a font, from Debian.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY govern ./govern
COPY policies ./policies
COPY templates ./templates
RUN pip install --no-cache-dir . && rm -rf /src

RUN useradd --system --create-home --home-dir /home/govern --uid 10001 govern
USER govern
WORKDIR /home/govern

ENV GOVERN_SERVE_HOST=0.0.0.0 \
    GOVERN_SERVE_PORT=8000 \
    PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["govern", "serve"]
