import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))

from libreoffice import soffice_binary  # noqa: E402

ROOT = TESTS.parent
SAMPLES = ROOT / "sample_workbooks"


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice binary; skip without it unless CSAT_REQUIRE_LIBREOFFICE=1."""
    binary = soffice_binary()
    if binary is None:
        if os.environ.get("CSAT_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice is required (CSAT_REQUIRE_LIBREOFFICE=1) but soffice is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return binary


@pytest.fixture
def samples() -> Path:
    return SAMPLES
