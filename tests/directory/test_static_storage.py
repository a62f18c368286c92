"""The static files storage in production: whitenoise's, with each URL worked out once per process."""

import json

from whitenoise.storage import CompressedManifestStaticFilesStorage

from directory.static_storage import StaticFilesStorage

MANIFEST = {
    "version": "1.1",
    "hash": "x",
    "paths": {"css/site.css": "css/site.0123abcd.css", "js/map.js": "js/map.4567ef.js"},
}


def test_each_url_is_the_hashed_one_whitenoise_gives(tmp_path, settings):
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    ours = StaticFilesStorage(location=tmp_path, base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    for name in ["css/site.css", "js/map.js", "css/site.css", "js/map.js#top"]:
        assert ours.url(name) == theirs.url(name)
    assert ours.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert ours.url("css/site.css", force=True) == theirs.url("css/site.css", force=True)
