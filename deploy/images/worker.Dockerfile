# goxec/worker: the self-contained Worker. It runs as root only to reach the Docker engine's
# socket mounted at /var/run/docker.sock (see README, "Running on more than one machine").
FROM goxec/base:bookworm
# .NET's cryptography (hashing keys, TLS for webhooks) needs OpenSSL; the base image has none.
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 ca-certificates && rm -rf /var/lib/apt/lists/*
COPY app/ /app/
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 ASPNETCORE_URLS=http://+:8080
WORKDIR /app
EXPOSE 8080
ENTRYPOINT ["/app/Goxec.Worker"]
