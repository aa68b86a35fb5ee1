"""The product speaks what HTML forms and htmx send here: GET and POST (with HEAD and
OPTIONS). Any other method is refused with 405 before a view sees it: Django's form views read
a PUT as a POST with an empty body, so a PUT to a form of only optional fields or checkboxes
would save it emptied."""

from django.http import HttpResponseNotAllowed

ALLOWED = ("GET", "HEAD", "OPTIONS", "POST")


class FormMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED:
            return HttpResponseNotAllowed(ALLOWED)
        return self.get_response(request)
