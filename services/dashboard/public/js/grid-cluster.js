// Grid clustering for map markers: points whose pixel positions at a zoom level fall into the
// same square cell become one cluster. Pixel positions depend only on the zoom level, so the
// clusters of a zoom level are computed once and panning only filters them by the view.

/**
 * Groups points into clusters. `points` are `{ x, y, item }` in absolute pixels of one zoom
 * level; returns `{ key, x, y, items }` per non-empty cell, with (x, y) the mean of its points.
 */
export function clusterByGrid(points, cellSizePx) {
  if (!(cellSizePx > 0)) {
    throw new RangeError(`cell size ${cellSizePx} px is invalid: use a positive number`);
  }
  const cells = new Map();
  for (const point of points) {
    const key = `${Math.floor(point.x / cellSizePx)}:${Math.floor(point.y / cellSizePx)}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { key, sumX: 0, sumY: 0, items: [] };
      cells.set(key, cell);
    }
    cell.sumX += point.x;
    cell.sumY += point.y;
    cell.items.push(point.item);
  }

  return [...cells.values()].map((cell) => ({
    key: cell.key,
    x: cell.sumX / cell.items.length,
    y: cell.sumY / cell.items.length,
    items: cell.items,
  }));
}

/** Keeps the clusters inside a pixel rectangle `{ minX, minY, maxX, maxY }` of the same zoom level. */
export function clustersInView(clusters, view) {
  return clusters.filter(
    (cluster) => cluster.x >= view.minX && cluster.x <= view.maxX && cluster.y >= view.minY && cluster.y <= view.maxY,
  );
}
