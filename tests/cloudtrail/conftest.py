import pytest

from ..aws.botocore_check import Api


@pytest.fixture
def api(store) -> Api:
    return Api(store)
