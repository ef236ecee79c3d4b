from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("gongyou.ops.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script as a file: the CSP allows no inline scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("gongyou.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff pages: /console/… and the positions pages under /stations/manage/.
    path("", include("gongyou.console.urls")),
    # The worker portal owns the site root: a QR code or a WeChat link lands there.
    path("", include("gongyou.portal.urls")),
]

# Under /api/ these answer JSON in the API's error shape; elsewhere Django's pages.
handler400 = "gongyou.api.errors.bad_request"
handler404 = "gongyou.api.errors.page_not_found"
handler500 = "gongyou.api.errors.server_error"
