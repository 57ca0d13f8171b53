/**
 * The demo catalog: the Python service's four games (ids 1–4, fields unchanged) and its
 * publishers and genres, grown to fifty retro games over a score of platforms.
 */
import type { Platform, Region } from '../../src/models/enums';

export const PUBLISHERS = [
  { id: 1, name: 'Nintendo', website: 'https://www.nintendo.com', founded_year: 1889 },
  { id: 2, name: 'SEGA', website: 'https://www.sega.com', founded_year: 1960 },
  { id: 3, name: 'Konami', website: 'https://www.konami.com', founded_year: 1969 },
  { id: 4, name: 'Capcom', website: 'https://www.capcom.com', founded_year: 1979 },
  { id: 5, name: 'Square', website: 'https://www.square-enix.com', founded_year: 1986 },
  { id: 6, name: 'Enix', website: 'https://www.square-enix.com', founded_year: 1975 },
  { id: 7, name: 'Atari', website: 'https://www.atari.com', founded_year: 1972 },
  { id: 8, name: 'Activision', website: 'https://www.activision.com', founded_year: 1979 },
  { id: 9, name: 'SNK', website: 'https://www.snk-corp.co.jp', founded_year: 1978 },
  { id: 10, name: 'Hudson Soft', website: null, founded_year: 1973 },
  { id: 11, name: 'Namco', website: 'https://www.bandainamcoent.com', founded_year: 1955 },
  {
    id: 12,
    name: 'Sony Computer Entertainment',
    website: 'https://www.playstation.com',
    founded_year: 1993,
  },
];

export const GENRES = [
  {
    id: 1,
    name: 'Platform',
    description: 'Games where the main challenge is jumping between platforms',
  },
  {
    id: 2,
    name: 'RPG',
    description: 'Role-playing games with character development and storytelling',
  },
  {
    id: 3,
    name: 'Fighting',
    description: 'Combat-focused games with character versus character battles',
  },
  { id: 4, name: 'Action-Adventure', description: 'Games combining action and adventure elements' },
  { id: 5, name: 'Shooter', description: 'Games built around aiming at and shooting targets' },
  { id: 6, name: 'Racing', description: 'Driving against the clock or against rivals' },
  { id: 7, name: 'Puzzle', description: 'Games that reward logic, patterns and quick thinking' },
  {
    id: 8,
    name: "Beat 'em up",
    description: 'Brawling through waves of enemies, often side by side',
  },
  { id: 9, name: 'Sports', description: 'Sports and sporting contests, real or imagined' },
];

/** The words that may appear in a game's last column. */
const FLAGS = ['box', 'manual', 'rare', 'special', 'digital', 'inactive'] as const;

// prettier-ignore
const TABLE: [id: number, title: string, description: string, platform: Platform, region: Region, publisher: string, released: string, price: string, stock: number, condition: number | null, collectorValue: string | null, serial: string | null, genres: string[], flags: string][] = [
  [1, 'Super Mario Bros. 3', 'Classic Nintendo platformer', 'NES', 'NTSC_US', 'Nintendo', '1988-10-23', '149.99', 5, 9, '299.99', 'NES-QW-USA', ['Platform'], 'box manual rare'],
  [2, 'Sonic the Hedgehog', "SEGA's speedster mascot", 'GENESIS', 'NTSC_US', 'SEGA', '1991-06-23', '89.99', 3, 8, '129.99', 'GEN-001-USA', ['Platform'], 'box manual'],
  [3, 'Castlevania: Symphony of the Night', 'Revolutionary Metroidvania', 'PS1', 'NTSC_US', 'Konami', '1997-03-20', '199.99', 2, 9, '399.99', 'SLUS-00067', ['RPG', 'Action-Adventure'], 'digital box manual rare special'],
  [4, 'Street Fighter II', 'Legendary fighting game', 'SNES', 'NTSC_US', 'Capcom', '1991-02-06', '79.99', 4, 7, '149.99', 'SNS-S2-USA', ['Fighting'], 'box'],
  [5, 'The Legend of Zelda', 'The open-world quest that started the series', 'NES', 'NTSC_US', 'Nintendo', '1987-08-22', '79.99', 4, 8, '149.99', 'NES-ZL-USA', ['Action-Adventure'], 'box manual'],
  [6, 'Metroid', 'Samus explores the caverns of planet Zebes', 'NES', 'NTSC_US', 'Nintendo', '1987-08-15', '59.99', 3, 7, '89.99', 'NES-MT-USA', ['Action-Adventure', 'Platform'], 'manual'],
  [7, 'Mega Man 2', "Eight Robot Masters, then Dr. Wily's fortress", 'NES', 'NTSC_US', 'Capcom', '1989-06-02', '64.99', 6, 8, '99.99', 'NES-XR-USA', ['Platform'], 'box manual'],
  [8, 'Contra', 'Two-player run-and-gun, famous for its code', 'NES', 'NTSC_US', 'Konami', '1988-02-09', '74.99', 2, 7, '119.99', 'NES-CT-USA', ['Shooter'], 'box'],
  [9, 'Dragon Warrior', 'The first Dragon Quest to reach the West', 'NES', 'NTSC_US', 'Enix', '1989-08-01', '39.99', 5, 6, '59.99', 'NES-DQ-USA', ['RPG'], 'manual'],
  [10, "Mike Tyson's Punch-Out!!", 'Little Mac boxes his way to the title', 'NES', 'NTSC_US', 'Nintendo', '1987-10-18', '34.99', 7, 7, '49.99', 'NES-PO-USA', ['Sports', 'Fighting'], ''],
  [11, 'Super Mario World', 'Mario and Yoshi across Dinosaur Land', 'SNES', 'NTSC_US', 'Nintendo', '1991-08-23', '44.99', 8, 8, '69.99', 'SNS-MW-USA', ['Platform'], 'box manual'],
  [12, 'The Legend of Zelda: A Link to the Past', 'Link between the Light and Dark Worlds', 'SNES', 'NTSC_US', 'Nintendo', '1992-04-13', '69.99', 4, 9, '129.99', 'SNS-ZL-USA', ['Action-Adventure'], 'box manual'],
  [13, 'Super Metroid', 'The atmospheric return to Zebes', 'SNES', 'NTSC_US', 'Nintendo', '1994-04-18', '99.99', 3, 8, '179.99', 'SNS-RI-USA', ['Action-Adventure'], 'box manual rare'],
  [14, 'Chrono Trigger', 'Time-travelling RPG with thirteen endings', 'SNES', 'NTSC_US', 'Square', '1995-08-22', '189.99', 2, 9, '449.99', 'SNS-ACTE-USA', ['RPG'], 'box manual rare'],
  [15, 'Final Fantasy III', 'Final Fantasy VI as released in North America', 'SNES', 'NTSC_US', 'Square', '1994-10-11', '129.99', 3, 8, '249.99', 'SNS-F6-USA', ['RPG'], 'box manual'],
  [16, 'EarthBound', "Big-box release with the Player's Guide", 'SNES', 'NTSC_US', 'Nintendo', '1995-06-05', '349.99', 1, 9, '899.99', 'SNS-MB-USA', ['RPG'], 'box manual rare special'],
  [17, 'Super Mario 64', "Mario's first steps into 3D", 'N64', 'NTSC_US', 'Nintendo', '1996-09-29', '49.99', 9, 8, '79.99', 'NUS-NSME-USA', ['Platform'], 'box manual'],
  [18, 'The Legend of Zelda: Ocarina of Time', "Collector's Edition gold cartridge", 'N64', 'NTSC_US', 'Nintendo', '1998-11-23', '89.99', 3, 8, '199.99', 'NUS-NZLE-USA', ['Action-Adventure'], 'box manual special'],
  [19, 'GoldenEye 007', 'The split-screen shooter of a generation', 'N64', 'NTSC_US', 'Nintendo', '1997-08-25', '39.99', 10, 7, '49.99', 'NUS-NGEE-USA', ['Shooter'], ''],
  [20, 'Tetris', 'The puzzle game packed in with the Game Boy', 'GAMEBOY', 'NTSC_US', 'Nintendo', '1989-07-31', '24.99', 12, 7, '29.99', 'DMG-TR-USA', ['Puzzle'], 'manual'],
  [21, 'Pokémon Red Version', 'Catch all 150 across Kanto', 'GAMEBOY', 'NTSC_US', 'Nintendo', '1998-09-28', '89.99', 5, 7, '149.99', 'DMG-APAE-USA', ['RPG'], 'box'],
  [22, 'Metroid Fusion', 'Samus against the X parasite', 'GAMEBOY_ADVANCE', 'NTSC_US', 'Nintendo', '2002-11-17', '39.99', 6, 9, '59.99', 'AGB-AMTE-USA', ['Action-Adventure'], 'box manual'],
  [23, 'Castlevania: Dawn of Sorrow', 'Soma Cruz returns, with touch-screen seals', 'DS', 'NTSC_US', 'Konami', '2005-10-04', '34.99', 7, 9, '49.99', 'NTR-ACBE-USA', ['Action-Adventure'], 'box manual'],
  [24, 'Metroid Prime', "Samus's first-person debut", 'GAMECUBE', 'NTSC_US', 'Nintendo', '2002-11-17', '29.99', 8, 8, '39.99', 'DOL-GM8E-USA', ['Shooter', 'Action-Adventure'], 'box manual'],
  [25, 'Sonic the Hedgehog 2', 'Sonic and Tails against the Death Egg', 'GENESIS', 'NTSC_US', 'SEGA', '1992-11-24', '24.99', 11, 7, '34.99', 'GEN-1051-USA', ['Platform'], 'box'],
  [26, 'Streets of Rage 2', 'Four fighters and a legendary soundtrack', 'GENESIS', 'NTSC_US', 'SEGA', '1992-12-20', '59.99', 4, 8, '89.99', 'GEN-1018-USA', ["Beat 'em up"], 'box manual'],
  [27, 'Phantasy Star IV', 'The End of the Millennium', 'GENESIS', 'NTSC_US', 'SEGA', '1995-02-17', '149.99', 2, 8, '249.99', 'GEN-1307-USA', ['RPG'], 'box manual rare'],
  [28, 'Castlevania: Bloodlines', 'The Belmont saga in 1917 Europe', 'GENESIS', 'NTSC_US', 'Konami', '1994-03-17', '119.99', 2, 7, '199.99', 'GEN-T95056-USA', ['Action-Adventure', 'Platform'], 'box rare'],
  [29, 'Snatcher', 'Cyberpunk detective adventure', 'SEGA_CD', 'NTSC_US', 'Konami', '1994-12-01', '349.99', 1, 8, '599.99', 'SCD-T95035-USA', ['Action-Adventure'], 'box manual rare'],
  [30, 'Alex Kidd in Miracle World', "SEGA's mascot before Sonic", 'MASTER_SYSTEM', 'PAL', 'SEGA', '1986-11-01', '19.99', 6, 6, '24.99', 'MK-5067-PAL', ['Platform'], 'box manual'],
  [31, 'The G.G. Shinobi', 'Joe Musashi frees his ninja clan', 'GAME_GEAR', 'NTSC_US', 'SEGA', '1991-04-26', '19.99', 5, 7, '24.99', 'GG-2307-USA', ['Platform'], ''],
  [32, 'NiGHTS into Dreams...', 'Flight through the dreams of Nightopia', 'SATURN', 'NTSC_US', 'SEGA', '1996-08-20', '34.99', 4, 8, '49.99', 'MK-81020-USA', ['Platform'], 'box manual'],
  [33, 'Panzer Dragoon Saga', 'Four-disc dragon RPG, famously scarce', 'SATURN', 'NTSC_US', 'SEGA', '1998-04-30', '599.99', 1, 9, '999.99', 'MK-81307-USA', ['RPG'], 'box manual rare'],
  [34, 'Shenmue', 'Open-world revenge in 1986 Yokosuka', 'DREAMCAST', 'NTSC_US', 'SEGA', '2000-11-08', '39.99', 6, 8, '59.99', 'MK-51059-USA', ['Action-Adventure'], 'box manual'],
  [35, 'Sonic Adventure', "Sonic's 3D launch title", 'DREAMCAST', 'NTSC_US', 'SEGA', '1999-09-09', '24.99', 9, 7, '29.99', 'MK-51000-USA', ['Platform'], 'box'],
  [36, 'Final Fantasy VII', 'Cloud, Midgar and three discs of materia', 'PS1', 'NTSC_US', 'Square', '1997-09-07', '49.99', 7, 8, '89.99', 'SCUS-94163', ['RPG'], 'box manual'],
  [37, 'Metal Gear Solid', 'Solid Snake infiltrates Shadow Moses', 'PS1', 'NTSC_US', 'Konami', '1998-10-21', '39.99', 6, 8, '59.99', 'SLUS-00594', ['Action-Adventure'], 'box manual'],
  [38, 'Gran Turismo', 'The real driving simulator', 'PS1', 'NTSC_US', 'Sony Computer Entertainment', '1998-05-12', '14.99', 10, 7, '19.99', 'SCUS-94194', ['Racing'], 'box manual'],
  [39, 'Resident Evil', 'Survival horror in the Spencer mansion', 'PS1', 'NTSC_US', 'Capcom', '1996-03-30', '49.99', 5, 7, '79.99', 'SLUS-00170', ['Action-Adventure'], 'box manual'],
  [40, 'Tekken 3', 'The King of Iron Fist Tournament 3', 'PS1', 'NTSC_US', 'Namco', '1998-04-29', '19.99', 8, 8, '24.99', 'SLUS-00402', ['Fighting'], 'box manual'],
  [41, 'Shadow of the Colossus', 'Sixteen colossi in a forbidden land', 'PS2', 'PAL', 'Sony Computer Entertainment', '2006-02-17', '24.99', 6, 9, '34.99', 'SCES-53326', ['Action-Adventure'], 'box manual'],
  [42, 'Pitfall!', 'Pitfall Harry and the jungle treasures', 'ATARI_2600', 'NTSC_US', 'Activision', '1982-04-20', '14.99', 8, 6, '19.99', 'AX-018', ['Platform'], ''],
  [43, 'Missile Command', 'Defend six cities from falling missiles', 'ATARI_2600', 'NTSC_US', 'Atari', '1981-03-01', '9.99', 10, 6, '14.99', 'CX2638', ['Shooter'], 'box'],
  [44, 'Metal Slug', 'Hand-drawn run-and-gun on the home AES', 'NEO_GEO', 'NTSC_J', 'SNK', '1996-05-24', '1499.99', 1, 8, '2499.99', 'NGH-201', ['Shooter'], 'box manual rare'],
  [45, "The King of Fighters '98", 'The Slugfest: Dream Match Never Ends', 'NEO_GEO', 'NTSC_J', 'SNK', '1998-09-23', '349.99', 2, 8, '499.99', 'NGH-242', ['Fighting'], 'box manual rare'],
  [46, "Bonk's Adventure", 'A caveman who headbutts dinosaurs', 'TURBOGRAFX_16', 'NTSC_US', 'Hudson Soft', '1990-04-01', '29.99', 4, 7, '39.99', 'TGX040027', ['Platform'], 'box manual'],
  [47, "Bomberman '93", 'Five-player bombing with the TurboTap', 'TURBOGRAFX_16', 'NTSC_US', 'Hudson Soft', '1992-12-11', '34.99', 3, 7, '49.99', 'TGX040056', ['Puzzle'], 'box'],
  [48, 'Metal Gear', "Snake's first mission, on the MSX2", 'MSX', 'NTSC_J', 'Konami', '1987-07-13', '119.99', 1, 7, '179.99', 'RC750', ['Action-Adventure'], 'box manual rare'],
  [49, 'Galaga', 'The arcade shooter as a digital download', 'MULTI', 'REGION_FREE', 'Namco', '1981-09-01', '4.99', 0, null, null, null, ['Shooter'], 'digital'],
  [50, 'E.T. the Extra-Terrestrial', 'Delisted: the cartridge buried in the desert', 'ATARI_2600', 'NTSC_US', 'Atari', '1982-12-01', '9.99', 0, 5, '14.99', 'CX2674', ['Action-Adventure'], 'inactive'],
];

function idOf(rows: { id: number; name: string }[], name: string): number {
  const row = rows.find((candidate) => candidate.name === name);
  if (!row) throw new Error(`demo catalog: unknown name "${name}"`);
  return row.id;
}

function flagsOf(words: string) {
  const flags = words.split(' ').filter(Boolean);
  const unknown = flags.find((flag) => !(FLAGS as readonly string[]).includes(flag));
  if (unknown !== undefined) throw new Error(`demo catalog: unknown flag "${unknown}"`);
  return (flag: (typeof FLAGS)[number]) => flags.includes(flag);
}

const ROWS = TABLE.map((row) => {
  const [
    id,
    title,
    description,
    platform,
    region,
    publisher,
    released,
    price,
    stock,
    condition,
    collectorValue,
    serial,
    genres,
    words,
  ] = row;
  const has = flagsOf(words);
  const game = {
    id,
    title,
    description,
    price,
    release_date: released,
    publisher_id: idOf(PUBLISHERS, publisher),
    platform,
    region,
    stock,
    is_digital: has('digital'),
    is_active: !has('inactive'),
    condition_rating: condition,
    has_original_box: has('box'),
    has_manual: has('manual'),
    is_rare: has('rare'),
    collector_value: collectorValue,
    serial_number: serial,
    special_edition: has('special'),
  };
  return { game, genreIds: genres.map((genre) => idOf(GENRES, genre)) };
});

export const GAMES = ROWS.map(({ game }) => game);

export const GAME_GENRES = ROWS.flatMap(({ game, genreIds }) =>
  genreIds.map((genreId) => ({ game_id: game.id, genre_id: genreId })),
);
