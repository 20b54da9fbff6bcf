app_name = "producten"

urlpatterns: list = []
