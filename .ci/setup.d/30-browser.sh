# The web console's real-browser tests (gateway-http, Selenium) drive Debian's headless Chromium
# through its chromedriver. They skip with a visible reason where these cannot be installed.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  ci_apt_install chromium chromium-driver || echo "could not install chromium and chromium-driver: the browser tests are skipped"
fi
