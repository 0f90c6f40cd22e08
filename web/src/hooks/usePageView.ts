/**
 * Draws one page of a pdf.js document on a canvas at a zoom. On the first page drawn the zoom is fitted
 * to the viewer's width (at most 150 %); later the reviewer's zoom stands. Returns the page's geometry,
 * which the overlay needs to place boxes.
 */
import { useEffect, useRef, useState, type RefObject } from "react";
import { displayedSize, fitWidthZoom, stepZoom, type PageGeometry } from "../viewer/coords";
import { geometryOf, renderPage, type PdfDoc } from "../viewer/pdf";

/** Room the viewer keeps around the page (its padding and scroll bar). */
const GUTTER = 40;

export interface PageView {
  geom: PageGeometry | null;
  /** Displayed size of the page in points (US Letter until the page is known). */
  size: { width: number; height: number };
  zoom: number;
  zoomIn: () => void;
  zoomOut: () => void;
  fitWidth: () => void;
}

export function usePageView(doc: PdfDoc | null, pageNo: number, canvasRef: RefObject<HTMLCanvasElement | null>, viewerRef: RefObject<HTMLDivElement | null>, onError: (err: unknown) => void): PageView {
  const [geom, setGeom] = useState<PageGeometry | null>(null);
  const [zoom, setZoom] = useState(1);
  const fitted = useRef(false);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  useEffect(() => {
    if (!doc || !canvasRef.current) return;
    let cancel = () => {};
    let alive = true;
    void (async () => {
      const page = await doc.getPage(pageNo);
      if (!alive) return;
      const g = geometryOf(page);
      if (!fitted.current && viewerRef.current) {
        fitted.current = true;
        const z = Math.min(1.5, fitWidthZoom(displayedSize(g).width, viewerRef.current.clientWidth - GUTTER));
        if (Math.abs(z - zoom) > 0.01) {
          setGeom(g);
          setZoom(z);
          return;
        }
      }
      setGeom(g);
      const r = renderPage(page, canvasRef.current!, zoom);
      cancel = r.cancel;
      await r.done.catch((err: unknown) => onErrorRef.current(err));
    })();
    return () => {
      alive = false;
      cancel();
    };
    // The refs are stable; the zoom fitted on the first page is read from state on purpose.
  }, [doc, pageNo, zoom, canvasRef, viewerRef]);

  const size = geom ? displayedSize(geom) : { width: 612, height: 792 };
  return {
    geom,
    size,
    zoom,
    zoomIn: () => setZoom((z) => stepZoom(z, 1)),
    zoomOut: () => setZoom((z) => stepZoom(z, -1)),
    fitWidth: () => viewerRef.current && setZoom(fitWidthZoom(size.width, viewerRef.current.clientWidth - GUTTER)),
  };
}
