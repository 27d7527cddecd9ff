// The actor vocabulary lives in domain/ (shared with activities, db and the API); workflows name it from here.
export { type Actor, SYSTEM_ACTOR } from '../../domain/vocabulary';
