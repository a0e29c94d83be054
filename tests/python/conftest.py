"""Shared test setup.

Every local SparkSession of the suite runs in one JVM, started by whichever test asks for
Spark first; jars can only be put on the driver's classpath when that JVM starts. Splink's
similarity functions (jaro_winkler, in its jar) are needed by test_identity_splink, so the
JVM is started with that jar whatever test starts it.
"""

import os


def pytest_configure(config):
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        return
    os.environ.setdefault(
        "PYSPARK_SUBMIT_ARGS", f"--jars {similarity_jar_location()} pyspark-shell"
    )
