"""The bundled offline mirror that `icc-talent demo` crawls.

Input: notices.yaml (our own notice texts) and sources.yaml (the demo source list).
Output: static sites under sites/ (built by `build.py`), served on 127.0.0.1 by `server.py`.
"""
