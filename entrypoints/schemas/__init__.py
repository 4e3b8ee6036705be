"""The request and response schemas both runtimes speak: the API (entrypoints.http, whose OpenAPI
document is generated from them) and the Lambda handlers behind API Gateway (entrypoints.lambdas),
which decode and encode with the same structs so a resource has one shape whichever answers it.
Framework-free (msgspec and the domains only), so the Lambda zip carries no web framework;
schemas only the API serves live in entrypoints/http/schemas."""
