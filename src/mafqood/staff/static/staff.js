// Print buttons: open the label and print it. Everything else works without scripts.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (!button) return;
  event.preventDefault();
  var frame = window.open(button.getAttribute("data-print"), "_blank");
  if (frame) frame.addEventListener("load", function () { frame.print(); });
});
