# goxec/api: the self-contained Api (no .NET on the image) and the built web app it serves.
# Context prepared by scripts/app-images.sh: app/ (dotnet publish) and web/ (src/Goxec.Web/dist).
FROM goxec/base:bookworm
# .NET's cryptography (hashing keys, TLS for webhooks) needs OpenSSL; the base image has none.
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 ca-certificates && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 goxec && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin goxec
COPY app/ /app/
COPY web/ /app/web/
# No ICU in the base image: invariant globalization (the Api formats nothing culture-specific).
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 Web__Root=/app/web ASPNETCORE_URLS=http://+:8080
USER 10001:10001
WORKDIR /app
EXPOSE 8080
ENTRYPOINT ["/app/Goxec.Api"]
