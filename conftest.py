"""Test configuration shared by every app: settings for tests, personas in fixtures."""

import os
import tempfile

os.environ.setdefault("ADUAN_TESTING", "1")
os.environ.setdefault("ADUAN_DATA_DIR", tempfile.mkdtemp(prefix="aduan-test-"))
