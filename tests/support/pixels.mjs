// Shared by the browser tests: how many pixels differ between two PNG screenshots
// (Buffers), decoded in the page so no image library is needed. A pixel differs when
// its summed RGB difference exceeds 24; -1 when the sizes differ.
export async function pixelDiff(page, a, b) {
  return page.evaluate(async ([x, y]) => {
    const load = (s) => new Promise((res) => { const i = new Image(); i.onload = () => res(i); i.src = 'data:image/png;base64,' + s; });
    const [ia, ib] = await Promise.all([load(x), load(y)]);
    const px = (img) => { const c = document.createElement('canvas'); c.width = img.width; c.height = img.height; const g = c.getContext('2d'); g.drawImage(img, 0, 0); return g.getImageData(0, 0, c.width, c.height).data; };
    const da = px(ia), db = px(ib);
    if (da.length !== db.length) return -1;
    let n = 0;
    for (let i = 0; i < da.length; i += 4) if (Math.abs(da[i] - db[i]) + Math.abs(da[i + 1] - db[i + 1]) + Math.abs(da[i + 2] - db[i + 2]) > 24) n++;
    return n;
  }, [a.toString('base64'), b.toString('base64')]);
}
