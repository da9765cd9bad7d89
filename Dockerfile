# biopsy-quant: one image for the CLI (embedded mode) and, with issue 3, the API and workers.
FROM node:20-bookworm-slim
WORKDIR /app
# OpenSlide reads NDPI, MRXS, SCN, BIF and Philips TIFF slides (issue 11); koffi binds it at run time
RUN apt-get update && apt-get install -y --no-install-recommends libopenslide0 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY workers ./workers
COPY models ./models
COPY slides ./slides
COPY tsconfig.json ./
# the CLI's bundle of this source (src/runtime/source-bundle.mjs), built once here instead of at a container's first start
RUN node bin/biopsy-quant.js --help > /dev/null
VOLUME ["/data", "/slides"]
ENTRYPOINT ["node", "bin/biopsy-quant.js"]
CMD ["serve"]
