from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("banc-d-essai/vide/", views.bare, name="bare"),
]
