import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@crm/platform';
import { DASHBOARD_FILES, dashboardFilePath } from './dashboard-assets';

/**
 * The dashboard page and its scripts. Public like `/docs`: they hold no data; the page asks for
 * an API key and reads the API with it, so what it shows is what that key may read.
 */
@Public()
@ApiExcludeController()
@Controller('dashboard')
export class DashboardHttpController {
  @Get()
  page(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.send(res, file);
  }

  private send(res: Response, name: string): void {
    const path = dashboardFilePath(name);
    if (path === null) throw new NotFoundException(`no dashboard file ${name}`);
    res.setHeader('Content-Type', DASHBOARD_FILES[name]);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    res.sendFile(path);
  }
}
