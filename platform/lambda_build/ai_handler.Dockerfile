# The ai-handler Lambda: the application and the model's serving code, with only the distributions
# its handler imports (torch on CPU, tokenizers, safetensors; no training, data or plotting
# stack), on AWS's Lambda base image. Build from the repository root:
#   docker build --platform linux/amd64 -f platform/lambda_build/ai_handler.Dockerfile \
#     -t <ai_handler_repository_url>:<tag> .
# The weights are not in the image: the handler loads them from the model bucket.
FROM public.ecr.aws/lambda/python:3.11

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# PyPI's torch for Linux x86_64 is the CUDA build (several GB) and Lambda has no GPU; once the
# CPU build is installed, the requirement list's torch==2.13.0 is already satisfied.
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"

# Written by `python platform/lambda_build/build.py --ai-handler-requirements`; a test keeps it in
# step with what the handler imports.
COPY platform/lambda_build/ai_handler-requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

COPY pyproject.toml README.md /tmp/src/
COPY domains /tmp/src/domains
COPY adapters /tmp/src/adapters
COPY entrypoints /tmp/src/entrypoints
COPY model /tmp/src/model
# The project itself without its declared dependencies: those are the list above. Bytecode is
# compiled at install, so no cold start compiles a module on the read-only image.
RUN pip install --no-deps --compile /tmp/src && rm -rf /tmp/src /tmp/requirements.txt

ENV REFOCUSED_PROFILE=production
CMD ["entrypoints.lambdas.ai_handler.handler"]
