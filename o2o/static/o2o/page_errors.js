// The pages' error boundary (o2o/portals/errors.py) answers a refused htmx request with its status
// (400, 403, 404, 409, 422) and the fragment that shows why, marked by the X-Page-Error header.
// htmx swaps only 2xx answers by default: let it swap these too, so the message is shown where
// the request came from. Other errors (a 500, a lost connection) are left to htmx.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Page-Error")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
