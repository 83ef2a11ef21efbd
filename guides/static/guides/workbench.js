/* The guide workbench's copy buttons: `data-copy` names the input holding the link; the button says
 * `data-copied` once the link is on the clipboard (or selected, where the clipboard is refused). */
(function () {
  "use strict";

  function copied(button) {
    var original = button.textContent;
    button.textContent = button.getAttribute("data-copied");
    button.setAttribute("data-done", "1");
    window.setTimeout(function () { button.textContent = original; }, 2000);
  }

  function fallback(input, button) {
    input.focus();
    input.select();
    try { document.execCommand("copy"); } catch (e) { /* selected: the guide copies by hand */ }
    copied(button);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) { return; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { copied(button); }, function () { fallback(input, button); });
    } else {
      fallback(input, button);
    }
  });
})();
