app_name = "zorg"

urlpatterns: list = []
