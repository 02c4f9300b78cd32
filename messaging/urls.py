from django.urls import path

from messaging import compose_views

app_name = "messaging"

urlpatterns = [
    path("nouveau/", compose_views.compose, name="compose"),
]
