"""Bench mode only (settings.DMP_BENCH_MODE): how many SQL queries each response cost.

First in MIDDLEWARE, so that the session, the user and every later middleware count too. The
benchmark reads the X-Bench-Queries header; a production portal never installs this middleware.
"""

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

QUERIES_HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        return response
