"""Response headers that hold for every page."""


class NoStoreMiddleware:
    """Pages may carry survivor data or show that someone sought help: browsers and proxies must not
    keep them (the back button on a shared phone must not reveal them). Static files are served
    before this by WhiteNoise and keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):  # a view may choose otherwise, explicitly
            response["Cache-Control"] = "no-store"
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response
