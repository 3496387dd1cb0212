import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError } from '@service-ledger/core';
import { Public } from '../auth.guard';

/** The worklist pages live in the repository's dashboards/worklist (found from source or from dist/). */
function findDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'dashboards', 'worklist', 'worklist.html'))) return join(dir, 'dashboards', 'worklist');
  }
  throw new Error('dashboards/worklist not found');
}
const DIR = findDir();
const PAGES: Record<string, string> = { worklist: 'worklist.html', timeline: 'timeline.html', visitors: 'visitors.html' };
const ASSETS: Record<string, string> = { 'common.js': 'application/javascript', 'worklist.js': 'application/javascript', 'timeline.js': 'application/javascript', 'visitors.js': 'application/javascript', 'worklist.css': 'text/css' };

/** 待办 / Worklist, the case timeline and the visitor register: static pages that read the API with the user's token. */
@ApiExcludeController()
@Controller('dashboards')
export class WorklistPagesController {
  @Public()
  @Get('worklist')
  @Header('Content-Type', 'text/html; charset=utf-8')
  worklist(): string {
    return readFileSync(join(DIR, PAGES.worklist), 'utf8');
  }

  @Public()
  @Get('timeline')
  @Header('Content-Type', 'text/html; charset=utf-8')
  timeline(): string {
    return readFileSync(join(DIR, PAGES.timeline), 'utf8');
  }

  @Public()
  @Get('visitors')
  @Header('Content-Type', 'text/html; charset=utf-8')
  visitors(): string {
    return readFileSync(join(DIR, PAGES.visitors), 'utf8');
  }

  @Public()
  @Get('worklist/assets/:file')
  @Header('Cache-Control', 'max-age=300')
  asset(@Param('file') file: string, @Res({ passthrough: true }) res: Response): string {
    if (!Object.hasOwn(ASSETS, file)) throw new NotFoundError(`no asset ${file}`);
    res.type(ASSETS[file]);
    return readFileSync(join(DIR, file), 'utf8');
  }
}
