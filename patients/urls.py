from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("", views.my_patients, name="my_patients"),
]
