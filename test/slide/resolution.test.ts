import { describe, expect, it } from 'vitest';
import { mppFromAperioDescription, mppFromOmeXml, mppFromResolution } from '../../src/slide/resolution.js';
import { sniffBytes } from '../../src/slide/sniff.js';

describe('mppFromResolution', () => {
  it('converts pixels per inch, cm and metre to µm/px', () => {
    expect(mppFromResolution(50_800, 'inch')).toBeCloseTo(0.5, 12);
    expect(mppFromResolution(40_000, 'cm')).toBeCloseTo(0.25, 12);
    expect(mppFromResolution(2_000_000, 'metre')).toBeCloseTo(0.5, 12);
  });

  it('ignores 72/96 dpi software defaults in any unit, missing units and implausible sizes', () => {
    expect(mppFromResolution(72, 'inch')).toBeUndefined();
    expect(mppFromResolution(96, 'inch')).toBeUndefined();
    expect(mppFromResolution(2835, 'metre')).toBeUndefined(); // PNG's 72 dpi
    expect(mppFromResolution(3780, 'metre')).toBeUndefined(); // PNG's 96 dpi
    expect(mppFromResolution(28.3465, 'cm')).toBeUndefined(); // 72 dpi in cm
    expect(mppFromResolution(50_800, undefined)).toBeUndefined();
    expect(mppFromResolution(1000, 'metre')).toBeUndefined(); // libvips' "1 px/mm, unknown"
    expect(mppFromResolution(0, 'cm')).toBeUndefined();
    expect(mppFromResolution(Number.NaN, 'cm')).toBeUndefined();
    expect(mppFromResolution(300, 'inch')).toBeCloseTo(84.667, 3); // a real (coarse) scan is kept
  });
});

describe('mppFromAperioDescription', () => {
  it('reads MPP from the pipe-separated fields', () => {
    const d = 'Aperio Image Library v12.0.15 \r\n46000x32914 [0,100 46000x32814] (256x256) JPEG/RGB Q=70|AppMag = 20|MPP = 0.4990|Left = 25.1';
    expect(mppFromAperioDescription(d)).toBe(0.499);
    expect(mppFromAperioDescription('Aperio Image Library v10.0.50\r\n2220x2967 -> 574x768 - |AppMag = 40|MPP=0.2520')).toBe(0.252);
    expect(mppFromAperioDescription('Aperio Image Library v12 |AppMag = 20')).toBeUndefined();
    expect(mppFromAperioDescription('Aperio |MPP = 0')).toBeUndefined();
  });
});

describe('mppFromOmeXml', () => {
  const xml = (attrs: string) => `<?xml version="1.0"?><OME><Image ID="Image:0"><Pixels ID="Pixels:0" ${attrs} SizeX="10"/></Image></OME>`;
  it('honours PhysicalSizeXUnit and defaults to µm', () => {
    expect(mppFromOmeXml(xml('PhysicalSizeX="0.325"'))).toBe(0.325);
    expect(mppFromOmeXml(xml('PhysicalSizeX="0.325" PhysicalSizeXUnit="µm"'))).toBe(0.325);
    expect(mppFromOmeXml(xml('PhysicalSizeX="250" PhysicalSizeXUnit="nm"'))).toBeCloseTo(0.25, 12);
    expect(mppFromOmeXml(xml('PhysicalSizeX="0.0005" PhysicalSizeXUnit="mm"'))).toBeCloseTo(0.5, 12);
    expect(mppFromOmeXml('<ome:OME><ome:Image><ome:Pixels PhysicalSizeX="1.5"/></ome:Image></ome:OME>')).toBe(1.5);
  });
  it('returns undefined for missing, unknown-unit or nonsense sizes', () => {
    expect(mppFromOmeXml(xml(''))).toBeUndefined();
    expect(mppFromOmeXml(xml('PhysicalSizeX="1" PhysicalSizeXUnit="parsec"'))).toBeUndefined();
    expect(mppFromOmeXml(xml('PhysicalSizeX="-1"'))).toBeUndefined();
    expect(mppFromOmeXml('<OME/>')).toBeUndefined();
  });
});

describe('sniffBytes', () => {
  it('tells the containers apart by magic bytes', () => {
    expect(sniffBytes(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toEqual({ kind: 'png' });
    expect(sniffBytes(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ kind: 'jpeg' });
    expect(sniffBytes(Uint8Array.from([0x49, 0x49, 42, 0]))).toEqual({ kind: 'tiff', littleEndian: true });
    expect(sniffBytes(Uint8Array.from([0x4d, 0x4d, 0, 42]))).toEqual({ kind: 'tiff', littleEndian: false });
    expect(sniffBytes(Uint8Array.from([0x49, 0x49, 43, 0, 8, 0, 0, 0]))).toEqual({ kind: 'bigtiff', littleEndian: true });
    expect(sniffBytes(Uint8Array.from([0x4d, 0x4d, 0, 43]))).toEqual({ kind: 'bigtiff', littleEndian: false });
    expect(sniffBytes(Uint8Array.from([0x49, 0x49, 44, 0]))).toBeNull();
    expect(sniffBytes(Uint8Array.from([0x89, 0x50]))).toBeNull();
    expect(sniffBytes(new Uint8Array(0))).toBeNull();
  });
});
