import { describe, expect, it } from 'vitest';
import { aperioMetadata } from '../../src/slide/aperio-description.js';

describe('aperioMetadata', () => {
  it('reads AppMag, MPP and the scanner fields as OpenSlide keys them, and leaves out fields that name a case or person', () => {
    const description =
      'Aperio Image Library v12.0.15\r\n46000x32914 [0,100 46000x32814] (256x256) JPEG/RGB Q=30|AppMag = 40|StripeWidth = 2040|ScanScope ID = SS1234|' +
      'Filename = H-2026-0417 DOE JANE|Date = 12/04/26|MPP = 0.2520|User = a1b2c3|Barcode = 8817|Slide ID = S-77';
    const m = aperioMetadata(description);
    expect(m.vendor).toBe('Aperio');
    expect(m.objectivePower).toBe(40);
    expect(m.properties).toEqual({
      'aperio.AppMag': '40',
      'aperio.StripeWidth': '2040',
      'aperio.ScanScope ID': 'SS1234',
      'aperio.Date': '12/04/26',
      'aperio.MPP': '0.2520',
    });
    expect(JSON.stringify(m)).not.toMatch(/DOE|H-2026|8817|a1b2c3|S-77/);
  });

  it('states no objective when AppMag is absent or not a positive number', () => {
    expect(aperioMetadata('Aperio Image Library v12\r\n10x10|MPP = 0.5').objectivePower).toBeUndefined();
    expect(aperioMetadata('Aperio Image Library v12\r\n10x10|AppMag = unknown').objectivePower).toBeUndefined();
  });
});
