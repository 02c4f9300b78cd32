from django.urls import path

from workshop import views

app_name = "workshop"

urlpatterns = [
    path("statistiques/", views.statistics_page, name="statistics"),
]
