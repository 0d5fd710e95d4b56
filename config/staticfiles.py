import xstatic.pkg.jquery_ui
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class JQueryUIFinder(BaseFinder):
    """jQuery UI's script for the admin's translation tabs, served from its XStatic package.

    Only the script: the package's theme stylesheets point at images it does not ship, which would
    break collectstatic, and the tabs are styled by modeltranslation's own stylesheet.
    """

    prefix = "jquery-ui"
    files = ("jquery-ui.min.js",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=xstatic.pkg.jquery_ui.BASE_DIR)
        self.storage.prefix = self.prefix

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        prefix, _slash, name = path.partition("/")
        if prefix != self.prefix or name not in self.files:
            return [] if find_all else None
        found = self.storage.path(name)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for name in self.files:
            yield name, self.storage
