// Tables and code blocks wider than their column scroll sideways inside
// their box. A table that does gets a line above it saying so (and which
// way the rest is); the box is marked data-scrolls for the stylesheet.
// Checked again when the window or the box changes size.
(function () {
  'use strict';

  function check(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    var hint = box.previousElementSibling;
    var has = hint && hint.classList.contains('scroll-hint');
    box.toggleAttribute('data-scrolls', scrolls);
    if (!box.classList.contains('table-wrap')) return;
    if (scrolls && !has) {
      hint = document.createElement('p');
      hint.className = 'scroll-hint';
      hint.textContent = 'This table is wider than the page: scroll it sideways for every column.';
      box.parentNode.insertBefore(hint, box);
    } else if (!scrolls && has) {
      hint.remove();
    }
  }

  function start() {
    var boxes = document.querySelectorAll('.table-wrap, pre.code');
    if (!boxes.length) return;
    var all = function () { boxes.forEach(check); };
    if ('ResizeObserver' in window) {
      var seen = new ResizeObserver(function (entries) {
        entries.forEach(function (e) { check(e.target); });
      });
      boxes.forEach(function (b) { seen.observe(b); });
    } else {
      window.addEventListener('resize', all);
    }
    all();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
