// zoom.js: choosing a window by dragging across the timeline.

// Dragging across the chart chooses that stretch of time as the window; a double click goes back
// (onZoom(null)).
let timelineDragging = false;

function zoomable(chart, plotLeft, plotRight, height, win, onZoom) {
  chart.classList.add('zoomable');
  chart.addEventListener('dblclick', () => onZoom(null, null));
  chart.addEventListener('mousedown', down => {
    if (down.button !== 0) return;
    const box = chart.getBoundingClientRect();
    const at = event => Math.min(Math.max(event.clientX - box.left, plotLeft), plotRight);
    const start = at(down);
    const band = svg('rect', {x: start, y: 0, width: 0, height: height, class: 'zoom-band'});
    chart.appendChild(band);
    timelineDragging = true;
    down.preventDefault();
    const move = event => {
      const x = at(event);
      band.setAttribute('x', Math.min(start, x));
      band.setAttribute('width', Math.abs(x - start));
    };
    const up = event => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', up);
      timelineDragging = false;
      band.remove();
      const end = at(event);
      if (Math.abs(end - start) < 6) return;
      const time = x => win.from + (x - plotLeft) / (plotRight - plotLeft) * (win.to - win.from);
      onZoom(Math.round(time(Math.min(start, end))), Math.round(time(Math.max(start, end))));
    };
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', up);
  });
}
