import { isJsonObject, type JsonObject } from '../common/source-value.parser';

/** One raw entity of an NGSI document and its position for problems. */
export interface ListedEntity {
  entity: JsonObject;
  position: string;
}

/**
 * Lists the entities of an NGSI document: the `data` array of a notification (positions
 * `data[i]`), an array of entities or one entity (positions `entities[i]`). A member of the
 * list that is no object is kept with its position so that the mapper reports it. Returns
 * undefined when the document has none of these shapes.
 */
export function listNgsiEntities(document: unknown, notificationData: unknown): ListedEntity[] | undefined {
  if (notificationData !== undefined) {
    return Array.isArray(notificationData) ? listArray(notificationData, 'data') : undefined;
  }
  if (Array.isArray(document)) {
    return listArray(document, 'entities');
  }
  if (isJsonObject(document) && document.id !== undefined) {
    return [{ entity: document, position: 'entities[0]' }];
  }

  return undefined;
}

function listArray(items: unknown[], name: string): ListedEntity[] {
  return items.map((item, index) => ({
    entity: isJsonObject(item) ? item : { id: undefined },
    position: `${name}[${index}]`,
  }));
}
