app_name = "conseillers"

urlpatterns = []
