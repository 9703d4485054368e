// Progressive enhancement only: every page works without this script. It turns the
// reservation's expiry time into a live countdown.
(() => {
  const els = document.querySelectorAll('[data-countdown]');
  if (els.length === 0) return;
  const tick = () => {
    for (const el of els) {
      const left = Math.max(0, Number(el.getAttribute('data-countdown')) - Date.now());
      const m = Math.floor(left / 60000);
      const s = Math.floor((left % 60000) / 1000);
      el.textContent = `${m}:${String(s).padStart(2, '0')}`;
      if (left === 0) el.classList.add('over');
    }
  };
  tick();
  setInterval(tick, 1000);
})();
