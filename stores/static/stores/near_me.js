// "Stores near me": the "use my location" button asks the browser for its position and loads
// the nearest stores into the results (htmx when loaded, else a plain GET of the same form).
(function () {
  "use strict";

  function load(form) {
    if (window.htmx) {
      window.htmx.trigger(form, "submit");
    } else {
      form.submit();
    }
  }

  function init() {
    var button = document.getElementById("locate");
    var form = document.getElementById("near-form");
    var status = document.getElementById("locate-status");
    if (!button || !form || !status) {
      return;
    }
    if (!("geolocation" in navigator)) {
      status.textContent = button.dataset.unsupported;
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(6);
          form.elements.lng.value = position.coords.longitude.toFixed(6);
          status.textContent = "";
          button.disabled = false;
          load(form);
        },
        function () {
          status.textContent = button.dataset.denied;
          button.disabled = false;
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
