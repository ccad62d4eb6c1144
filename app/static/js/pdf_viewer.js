// A lesson's PDF shown in the page (WeChat's and WeCom's browsers often show nothing for a PDF
// link): pdf.js, served from our own static files (app/static/vendor/pdfjs, see its README),
// draws each page on a canvas as it comes near the screen. The "open the PDF" link below
// the viewer stays, for downloading and for browsers this cannot run in.
import * as pdfjs from "../vendor/pdfjs/pdf.min.js";

const MAX_SCALE = 2; // device pixels per CSS pixel, at most (memory on small phones)

function pageLabel(root, number, total) {
  return root.dataset.pageLabel.replace("__N__", String(number)).replace("__T__", String(total));
}

async function renderPage(pdf, number, holder, root) {
  const page = await pdf.getPage(number);
  const cssWidth = holder.clientWidth || root.clientWidth;
  const unscaled = page.getViewport({ scale: 1 });
  const ratio = Math.min(window.devicePixelRatio || 1, MAX_SCALE);
  const viewport = page.getViewport({ scale: (cssWidth / unscaled.width) * ratio });
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", pageLabel(root, number, pdf.numPages));
  await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
  holder.replaceChildren(canvas);
  holder.classList.add("rendered");
  page.cleanup();
}

function placeholders(pdf, root, firstPage) {
  const pages = root.querySelector("[data-pdf-pages]");
  const ratio = firstPage.getViewport({ scale: 1 });
  const holders = [];
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const holder = document.createElement("div");
    holder.className = "pdf-page";
    holder.dataset.page = String(number);
    // The first page's shape until a page is drawn, so the scrollbar does not jump.
    holder.style.aspectRatio = `${ratio.width} / ${ratio.height}`;
    pages.appendChild(holder);
    holders.push(holder);
  }
  return holders;
}

async function show(root) {
  const status = root.querySelector("[data-pdf-status]");
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const pdf = await pdfjs.getDocument({
    url: root.dataset.src,
    cMapUrl: root.dataset.cmaps,
    cMapPacked: true,
    standardFontDataUrl: root.dataset.fonts,
    wasmUrl: root.dataset.wasm,
    useWasm: false, // WebAssembly would need 'wasm-unsafe-eval' in the page's policy
    enableXfa: false,
  }).promise;
  const holders = placeholders(pdf, root, await pdf.getPage(1));
  status.textContent = root.dataset.pagesLabel.replace("__T__", String(pdf.numPages));
  const draw = (holder) => {
    if (holder.dataset.drawing) return;
    holder.dataset.drawing = "1";
    renderPage(pdf, Number(holder.dataset.page), holder, root).catch(() => {
      holder.textContent = root.dataset.pageFailed;
    });
  };
  if (!("IntersectionObserver" in window)) {
    holders.forEach(draw);
    return;
  }
  const observer = new IntersectionObserver((entries) => {
    entries.filter((entry) => entry.isIntersecting).forEach((entry) => {
      observer.unobserve(entry.target);
      draw(entry.target);
    });
  }, { rootMargin: "800px 0px" });
  holders.forEach((holder) => observer.observe(holder));
}

document.querySelectorAll("[data-pdf-viewer]").forEach((root) => {
  show(root).catch(() => {
    const status = root.querySelector("[data-pdf-status]");
    status.textContent = root.dataset.failed;
    root.classList.add("failed");
  });
});
