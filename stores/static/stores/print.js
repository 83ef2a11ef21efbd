// The printable QR page: the "print" button opens the browser's print dialog.
(function () {
  "use strict";
  function init() {
    var button = document.getElementById("print-qr");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
