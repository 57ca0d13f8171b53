/**
 * The value lists behind the schema's CHECK constraints, shared by the migrations, the
 * models and the API's validators so that a value accepted at one layer is never refused
 * at another. The names are the Python service's (SPEC §5, shared/reference/README.md).
 *
 * The migrations read these lists when they run: adding a value later needs a new
 * migration that rewrites the column's CHECK constraint on existing databases.
 */

export const PLATFORMS = [
  'NES',
  'SNES',
  'N64',
  'GAMECUBE',
  'GAMEBOY',
  'GAMEBOY_COLOR',
  'GAMEBOY_ADVANCE',
  'DS',
  'MASTER_SYSTEM',
  'GENESIS',
  'SEGA_CD',
  'SATURN',
  'DREAMCAST',
  'GAME_GEAR',
  'PS1',
  'PS2',
  'PSP',
  'XBOX',
  'ATARI_2600',
  'ATARI_5200',
  'ATARI_7800',
  'ATARI_JAGUAR',
  'NEO_GEO',
  'NEO_GEO_POCKET',
  'TURBOGRAFX_16',
  'COMMODORE_64',
  'MSX',
  'MULTI',
  'OTHER',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const REGIONS = [
  'NTSC',
  'PAL',
  'NTSC_J',
  'NTSC_C',
  'NTSC_K',
  'NTSC_US',
  'PAL_B',
  'PAL_I',
  'REGION_FREE',
] as const;
export type Region = (typeof REGIONS)[number];

export const ORDER_STATUSES = [
  'PENDING',
  'PAID',
  'PROCESSING',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'REFUNDED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What a web event records; SEARCH is new in this service. */
export const EVENT_TYPES = [
  'VIEW',
  'CLICK',
  'SEARCH',
  'ADD_TO_CART',
  'REMOVE_FROM_CART',
  'WISHLIST',
  'PURCHASE',
  'REVIEW',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
