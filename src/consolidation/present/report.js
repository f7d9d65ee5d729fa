
(function () {
  var box = null;
  function close() { if (box) { box.remove(); box = null; } }
  function open(img) {
    close();
    box = document.createElement('div');
    box.id = 'lightbox';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', 'Figure at full size');
    var big = document.createElement('img');
    big.src = img.src;
    big.alt = img.alt;
    big.width = img.naturalWidth;
    var hint = document.createElement('p');
    hint.textContent = 'Full size. Click or press Escape to close.';
    box.appendChild(big);
    box.appendChild(hint);
    box.addEventListener('click', close);
    document.body.appendChild(box);
  }
  document.querySelectorAll('figure img').forEach(function (img) {
    img.tabIndex = 0;
    img.title = 'Click to see full size';
    img.addEventListener('click', function () { open(img); });
    img.addEventListener('keydown', function (e) { if (e.key === 'Enter') { open(img); } });
  });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') { close(); } });
})();
