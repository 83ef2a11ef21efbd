// Checkout: "use my location" puts the browser's position into the form and lets the store picker
// (htmx, on any change in the form) list the stores by distance. Without JavaScript the page
// still works: the district field and the "show the stores" button do the same.
(function () {
  "use strict";

  function init() {
    var button = document.getElementById("locate");
    var status = document.getElementById("locate-status");
    var form = document.getElementById("checkout-form");
    if (!form) {
      return;
    }
    // htmx refreshes the picker as the form changes: the no-JavaScript button is not needed
    if (window.htmx) {
      var refresh = form.querySelector("[data-testid=refresh-stores]");
      if (refresh) {
        refresh.closest(".no-js-only").remove();
      }
    }
    if (!button || !status || !("geolocation" in navigator)) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var lat = form.elements.lat;
          form.elements.lng.value = position.coords.longitude.toFixed(6);
          lat.value = position.coords.latitude.toFixed(6);
          status.textContent = button.dataset.located;
          button.disabled = false;
          lat.dispatchEvent(new Event("change", { bubbles: true }));
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
