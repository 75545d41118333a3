# One image for every SFC role; the role is the command (sfc engine, sfc gateway, ...).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY sfc ./sfc
COPY blueprints ./blueprints
COPY workers ./workers
COPY monitor ./monitor
RUN pip install --no-cache-dir . && useradd --system --uid 10001 sfc
USER sfc
ENV SFC_LOG__FORMAT=json
ENTRYPOINT ["sfc"]
