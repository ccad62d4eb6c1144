/* The trainer's session page: fetch a fresh check-in / check-out QR code when the code
   changes (every 30 s, aligned to the server's window), so the room always sees a live one. */
(function () {
  "use strict";
  var images = document.querySelectorAll("img[data-qr-refresh]");
  if (!images.length) { return; }
  function refresh() {
    var stamp = Date.now();
    images.forEach(function (img) {
      img.src = img.getAttribute("data-qr-refresh") + "?t=" + stamp;
    });
  }
  var first = parseInt(images[0].getAttribute("data-qr-seconds"), 10) || 30;
  window.setTimeout(function () {
    refresh();
    window.setInterval(refresh, 30000);
  }, first * 1000 + 300);
}());
