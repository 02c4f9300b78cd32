from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark: its dataset command (bench_data) and, in bench mode only, its bare view and
    query-count header (bench/views.py, bench/middleware.py). No models."""

    name = "bench"
    verbose_name = "banc d'essai"
