// { $meta: 'textScore' | 'geoNearDistance' } inside stages mingo runs: mingo has
// no document metadata, so the values travel as a hidden field that the
// rewritten expressions read and that is removed (and re-recorded) afterwards.
import type { Document } from '../../bson.js';
import { isPlainDocument } from './bson-types.js';
import { nearDistanceOf, recordNearDistance, recordTextScore, textScoreOf } from './query-metadata.js';

const HIDDEN = '__mongrove_meta';

function rewrite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewrite);
  if (!isPlainDocument(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$meta' && (value.$meta === 'textScore' || value.$meta === 'geoNearDistance')) {
    return `$${HIDDEN}.${value.$meta}`;
  }
  const out: Document = {};
  for (const [k, v] of Object.entries(value)) out[k] = rewrite(v);
  return out;
}

export function mentionsMeta(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(mentionsMeta);
  if (!isPlainDocument(value)) return false;
  return Object.entries(value).some(([k, v]) => k === '$meta' || mentionsMeta(v));
}

function isInclusionProject(spec: Document): boolean {
  return Object.entries(spec).some(([k, v]) => k !== '_id' && v !== 0 && v !== false);
}

/** The stages with $meta rewritten; inclusion $project stages keep the hidden field. */
export function rewriteMetaStages(stages: Document[]): Document[] {
  return stages.map((stage) => {
    const out = rewrite(stage) as Document;
    for (const name of ['$project']) {
      const spec: unknown = out[name];
      if (isPlainDocument(spec) && isInclusionProject(spec)) out[name] = { ...spec, [HIDDEN]: 1 };
    }
    return out;
  });
}

/** Copies with the metadata attached as the hidden field. */
export function attachMeta(docs: Document[]): Document[] {
  return docs.map((doc) => {
    const textScore = textScoreOf(doc);
    const geoNearDistance = nearDistanceOf(doc);
    if (textScore === undefined && geoNearDistance === undefined) return doc;
    return { ...doc, [HIDDEN]: { ...(textScore !== undefined ? { textScore } : {}), ...(geoNearDistance !== undefined ? { geoNearDistance } : {}) } };
  });
}

/** Removes the hidden field, recording its values as the documents' metadata again. */
export function detachMeta(docs: Document[]): Document[] {
  for (const doc of docs) {
    const meta: unknown = doc[HIDDEN];
    if (!isPlainDocument(meta)) continue;
    delete doc[HIDDEN];
    if (typeof meta.textScore === 'number') recordTextScore(doc, meta.textScore);
    if (typeof meta.geoNearDistance === 'number') recordNearDistance(doc, meta.geoNearDistance);
  }
  return docs;
}
